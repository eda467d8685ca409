import { z } from 'zod';

/** Every failing API answer: `{ error: { code, message, field?, issues?, blockers? } }` (src/http/errors.ts). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    issues: z
      .array(
        z.object({
          path: z.string(),
          field: z.string().optional(),
          message: z.string(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
        }),
      )
      .optional(),
    blockers: z.array(z.string()).optional(),
  }),
});
export type ErrorBody = z.output<typeof errorBodySchema>;
export type ErrorIssue = NonNullable<ErrorBody['error']['issues']>[number];

import { createRoute, z } from '@hono/zod-openapi';
import { ConfigError } from '../../io/config/config-error.js';
import { applyTagsCsvSliced, CSV_HEADER, locateCsvIssues, MAX_CSV_IMPORT_ROWS, parseTagsCsvSliced, tagsToCsvSliced, TooManyRowsError, type CsvImportResult } from '../../io/config/tags-csv.js';
import { redactPlant, REDACTED } from '../../io/config/secrets.js';
import { plantToYaml } from '../../io/config/yaml-file.js';
import { ApiError } from '../errors.js';
import { BEARER, errors, json, MUTATION_ERRORS } from '../schemas/common.js';
import { importSummarySchema } from '../schemas/config.js';
import type { App, RouteContext } from '../route-context.js';

const csvImportSchema = z
  .object({ groups: z.array(z.string()), rows: z.number().int(), summary: importSummarySchema })
  .openapi('TagsCsvImport');

const TEXT_TYPES = /^(text\/csv|text\/plain|application\/csv)\s*(;|$)/i;

/** Whole-configuration export (YAML) and the tag list as CSV, both ways. */
export function registerConfigIoRoutes(app: App, ctx: RouteContext): void {
  const { collector, config } = ctx.services;
  const read = { security: ctx.readSecurity, tags: ['config'] };

  app.openapi(
    createRoute({
      ...read,
      method: 'get',
      path: '/api/config/export',
      summary: 'The whole configuration as YAML (the import format), secrets redacted',
      description: `Passwords, a password inside a URL and server.token show as \`${REDACTED}\`; importing the file (\`jsscada import\`) keeps the secrets the store holds. The API never returns secrets, whatever the token; \`jsscada export --with-secrets\` on the collector's machine does.`,
      responses: { 200: { description: 'YAML', content: { 'text/yaml': { schema: z.string() } } } },
    }),
    (c) => {
      // An export is shared and versioned: it must carry no secret (issue 12, finding 1).
      const plant = redactPlant(collector.stored.plant);
      const text = `# JSScada configuration, exported ${new Date().toISOString()}\n# Secrets show as ${REDACTED}: importing this file keeps the ones the store holds.\n${plantToYaml(plant)}`;
      return c.body(text, 200, { 'content-type': 'text/yaml; charset=utf-8', 'content-disposition': 'attachment; filename="jsscada-config.yaml"' });
    },
  );

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/config/tags.csv', summary: `Every tag as CSV (columns: ${CSV_HEADER.join(', ')})`, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } } }),
    async (c) => c.body(await tagsToCsvSliced(collector.stored.plant), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="jsscada-tags.csv"' }),
  );

  app.openapi(
    createRoute({
      security: BEARER,
      tags: ['config'],
      method: 'post',
      path: '/api/config/tags.csv',
      summary: 'Import tags from CSV (same columns as the export)',
      description:
        '`mode=replace` (default): every group named in the CSV gets exactly its rows; other groups keep their tags. `mode=merge`: rows update the tag of the same name or are appended. ' +
        'Validated with the whole plant like the YAML import; errors name the CSV line and column. Applied hot. ' +
        `At most ${MAX_CSV_IMPORT_ROWS} rows per import (413 TOO_MANY_ROWS beyond); parsed and validated in slices, so polling goes on meanwhile.`,
      request: {
        query: z.object({ mode: z.enum(['replace', 'merge']).optional() }),
        body: { content: { 'text/csv': { schema: z.string().openapi({ example: `${CSV_HEADER.join(',')}\n` }) } }, required: true },
      },
      responses: { 200: json(csvImportSchema, 'Imported'), ...errors({ ...MUTATION_ERRORS, 400: 'CSV or configuration errors, each with line and column', 413: `Body larger than server.bodyLimitBytes, or more than ${MAX_CSV_IMPORT_ROWS} rows` }) },
    }),
    async (c) => {
      const type = c.req.header('content-type');
      if (type !== undefined && !TEXT_TYPES.test(type)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the CSV as text/csv, not ${type.split(';')[0]}`);
      let rows;
      try {
        rows = await parseTagsCsvSliced(await c.req.text());
      } catch (err) {
        if (err instanceof TooManyRowsError) throw new ApiError(413, err.code, err.message);
        throw err;
      }
      const mode = c.req.valid('query').mode ?? 'replace';
      let locate: CsvImportResult['locate'] | undefined;
      try {
        const { result, summary } = await config.change(async (plant) => {
          const applied = await applyTagsCsvSliced(plant, rows, mode);
          locate = applied.result.locate;
          return applied;
        }, 'tags.csv');
        return c.json({ groups: [...result.groups], rows: result.rows, summary }, 200);
      } catch (err) {
        if (err instanceof ConfigError && locate) throw locateCsvIssues(err, locate);
        throw err;
      }
    },
  );
}

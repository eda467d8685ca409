/**
 * Mutation testing (Stryker, issue 13): which files each module mutates and which tests judge
 * the mutants. `npm run mutation -- MODULE` runs one; without a name it runs every module in turn.
 */
export const MUTATION_MODULES = {
  auth: {
    mutate: ['src/http/middleware/auth.ts', 'src/http/auth-throttle.ts'],
    tests: ['test/http/auth.test.ts', 'test/http/auth-throttle.test.ts', 'test/mutation/auth.test.ts'],
  },
  buffer: {
    mutate: ['src/actors/buffer/row-ring.ts', 'src/actors/buffer/buffer-actor.ts', 'src/machines/buffer.ts'],
    tests: ['test/actors/row-ring.test.ts', 'test/actors/buffer-actor.test.ts'],
  },
  planners: {
    mutate: ['src/io/mc/planner.ts', 'src/io/modbus/planner.ts'],
    tests: ['test/io/mc/planner.test.ts', 'test/io/mc/planner-1e.test.ts', 'test/io/modbus/planner.test.ts'],
  },
  spool: {
    mutate: ['src/io/sink/spool/*.ts'],
    tests: ['test/io/sink/spool/spool.test.ts', 'test/io/sink/delivery/replay-stop.test.ts', 'test/io/sink/delivery/delivery.test.ts', 'test/io/sink/delivery/spool-rotation-cap.test.ts'],
  },
  codec: {
    mutate: ['src/io/mc/codec/*.ts'],
    tests: ['test/io/mc/golden.test.ts', 'test/io/mc/parser.test.ts', 'test/io/mc/requests.test.ts', 'test/io/mc/codec-1e.test.ts', 'test/io/mc/properties.test.ts'],
  },
};

export function mutationModule() {
  const name = process.env.JSSCADA_MUTATION ?? 'auth';
  if (!(name in MUTATION_MODULES)) throw new Error(`unknown mutation module "${name}": one of ${Object.keys(MUTATION_MODULES).join(', ')}`);
  return name;
}

/**
 * How the benches start Convene: exactly what `npm start` runs after its build step (package.json "start";
 * test/e2e/startScript.test.ts keeps the two equal). `--max-semi-space-size=4` caps V8's young generation at
 * 4 MiB per semi-space: the default lets it grow to 16 MiB after start-up's allocation burst, which kept ~15–20 MB
 * more idle RSS for no throughput gain we could measure (2 MiB saved more but means four times the scavenges).
 */
export const CONVENE_NODE_ARGS = ['--enable-source-maps', '--max-semi-space-size=4', 'dist/main.js'];

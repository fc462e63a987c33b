#!/usr/bin/env node
// The admin CLI: `npx convene <noun> <verb> [--flags]`. Convene runs from its TypeScript sources, so the tsx
// loader is registered before the CLI's entry module is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

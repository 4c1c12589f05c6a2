#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so what you run is always what you read.
import { register } from 'tsx/esm/api';

// http-server's `union` dependency touches `response._headers`, which Node flags (DEP0066) on every
// run. It is not the user's concern: drop that one warning, keep every other.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0066') return;
  emitWarning(warning, ...rest);
};

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

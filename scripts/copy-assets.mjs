// tsc compiles TypeScript only; the SQL migrations must travel next to the compiled store.
import { cpSync } from 'node:fs';
cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });

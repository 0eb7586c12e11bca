// Build step: parse the bundled lessons once and store the result next to the compiled code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lessonsDir } from './catalog.js';
import { writeCache } from './lessonCache.js';

const dir = lessonsDir();
const n = await writeCache(
  readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f)),
);
process.stdout.write(`cached ${n} parsed lessons\n`);

import { readFileSync } from 'node:fs';
import t from 'tap';
import { TOOL_NAME, TOOL_VERSION } from '../../src/core/tool.js';

t.test("the tool's name and version in reports are package.json's", async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  t.equal(TOOL_NAME, pkg.name);
  t.equal(TOOL_VERSION, pkg.version);
});

// Who writes a report: the tool's name and version (package.json's, kept equal by test/core/tool.test.ts).

export const TOOL_NAME = 'tsnet-learn';
export const TOOL_VERSION = '0.1.0';

// Imported by tests that read a report's text: no colours in it, whatever the shell says. tap turns them
// on in its tests (FORCE_COLOR) when its own output has them, as under FORCE_COLOR=1 or on a terminal.
// src/report/colors.ts decides when first asked, so this import's place among the others does not matter.
process.env.NO_COLOR = '1';

import t from 'tap';
import { summaryTable } from '../../bench/all.js';

t.test(
  'the summary puts every figure on one line: what, against what, both medians, the ratio and the verdict',
  async (t) => {
    const table = summaryTable([
      {
        figure: 'list',
        floor: 'node -e 0',
        measured: '150 ms',
        floorMeasured: '100 ms',
        value: '1.50×',
        target: '≤ 1.30×',
        met: false,
      },
      {
        figure: 'learn: verdict after a command',
        floor: '',
        measured: '90 ms',
        floorMeasured: '',
        value: '90 ms',
        target: '≤ 100 ms',
        met: true,
      },
    ]);
    const [head, list, learn] = table.split('\n');
    t.match(head, /^figure\s+floor\s+tsnet-learn\s+floor\s+ratio\s+target\s+met$/);
    t.match(list, /^list\s+node -e 0\s+150 ms\s+100 ms\s+1\.50×\s+≤ 1\.30×\s+no$/);
    t.match(learn, /^learn: verdict after a command\s+—\s+90 ms\s+—\s+90 ms\s+≤ 100 ms\s+yes$/);
    t.equal(head!.indexOf('ratio'), list!.indexOf('1.50×'), 'columns line up');
  },
);

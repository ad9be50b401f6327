/**
 * report.md: the answer first (configuration, what it costs, why), then the evidence (every trial), the
 * comparison with Managed Flink's built-in autoscaling, and last what to paste to apply it.
 */
import type { CalibrationReport } from '../report-types';
import {
  applyInstructions, autoscalingTable, AUTOSCALING_INTRO, calibrationSummary, costTable, overviewTable, streamAdvice, type Table,
  title, trialsTable, TRIALS_NOTE, verdictLines, VERDICT_TITLES,
} from './sections';

/** Inline text and table cells: no table breaks, no raw HTML, no accidental emphasis or links. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|<>#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

function renderTable(t: Table): string[] {
  const row = (cells: string[], strong: boolean) =>
    `| ${cells.map((c) => (strong && c ? `**${escapeMarkdown(c)}**` : escapeMarkdown(c))).join(' | ')} |`;
  return [
    `| ${t.header.map(escapeMarkdown).join(' | ')} |`,
    `| ${t.header.map(() => '---').join(' | ')} |`,
    ...t.rows.map((cells, i) => row(cells, t.strongRows?.includes(i) ?? false)),
    '',
  ];
}

function fenced(lang: string, body: string): string[] {
  return [`\`\`\`${lang}`, body, '```', ''];
}

export function renderMarkdown(r: CalibrationReport): string {
  const out: string[] = [`# ${escapeMarkdown(title(r))}`, '', ...renderTable(overviewTable(r))];
  if (r.generatedAt) out.push(`Generated ${escapeMarkdown(r.generatedAt)}.`, '');

  const verdict = verdictLines(r);
  out.push('## Verdict', '', `**${VERDICT_TITLES[r.verdict]}**`, '');
  if (verdict.headline) out.push(escapeMarkdown(verdict.headline), '');
  for (const d of verdict.details) out.push(escapeMarkdown(d), '');

  const cost = costTable(r);
  if (cost) {
    out.push('## Cost', '', ...renderTable(cost.table));
    if (cost.note) out.push(escapeMarkdown(cost.note), '');
  }

  const stream = streamAdvice(r);
  out.push('## Stream', '', escapeMarkdown(stream.text), '');
  if (stream.command) out.push(...fenced('sh', stream.command));

  out.push('## Trials', '');
  out.push(...(r.trials.length ? [...renderTable(trialsTable(r)), escapeMarkdown(TRIALS_NOTE), ''] : ['No trial ran.', '']));
  out.push(escapeMarkdown(calibrationSummary(r)), '');

  const auto = autoscalingTable(r);
  if (auto) out.push('## Built-in autoscaling on the same load', '', escapeMarkdown(AUTOSCALING_INTRO), '', ...renderTable(auto));

  const apply = applyInstructions(r);
  out.push('## Apply', '');
  if (apply) {
    out.push('In the stack\'s `config/<env>.json` (then `cdktf deploy`):', '', ...fenced('json', apply.configJson), escapeMarkdown(apply.configNote), '');
    out.push('Or on the running application at once:', '', ...fenced('sh', apply.cliCommand));
  } else {
    out.push('There is no configuration to apply: see the verdict above.', '');
  }
  return out.join('\n');
}

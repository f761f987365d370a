import type { ArmFlow, ConsortFlow, ReasonCount } from './consort';

/**
 * Renders the CONSORT 2025 flow diagram as a standalone SVG (pure, no fonts or scripts embedded):
 * enrolment in the centre with the exclusions to the right, then one column per arm for
 * allocation, follow-up and analysis.
 */

type Line = { text: string; bold?: boolean; indent?: boolean };

const WIDTH = 900;
const CENTRE = 470;
const LINE = 18;
const PAD = 10;
const CHAR = 6.6; // average advance of a 12px sans-serif character

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function wrap(text: string, width: number, indent: boolean): string[] {
  const max = Math.max(10, Math.floor((width - 2 * PAD - (indent ? 14 : 0)) / CHAR));
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && `${current} ${word}`.length > max) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) {
    out.push(current);
  }
  return out;
}

function layout(lines: Line[], width: number): Line[] {
  return lines.flatMap((l) =>
    wrap(l.text, width, l.indent === true).map((text) => ({ ...l, text })),
  );
}

function boxHeight(lines: Line[], width: number): number {
  return layout(lines, width).length * LINE + 2 * PAD - 4;
}

function box(
  x: number,
  y: number,
  width: number,
  lines: Line[],
  height = boxHeight(lines, width),
): string {
  const texts = layout(lines, width).map((l, i) => {
    const tx = x + PAD + (l.indent ? 14 : 0);
    const ty = y + PAD + 10 + i * LINE;
    return `<text x="${tx}" y="${ty}"${l.bold ? ' font-weight="bold"' : ''}>${escapeXml(l.text)}</text>`;
  });
  return [
    `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="4" fill="#fff" stroke="#333"/>`,
    ...texts,
  ].join('');
}

const arrow = (x1: number, y1: number, x2: number, y2: number) =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333" marker-end="url(#arrow)"/>`;
const line = (x1: number, y1: number, x2: number, y2: number) =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333"/>`;

const reasonLines = (reasons: readonly ReasonCount[]): Line[] =>
  reasons.map((r) => ({ text: `• ${r.label} (n=${r.n})`, indent: true }));

function allocationLines(a: ArmFlow): Line[] {
  return [
    { text: `Allocated to ${a.label} (n=${a.allocated})`, bold: true },
    { text: `Received allocated intervention (n=${a.receivedAllocated})`, indent: true },
    {
      text: `Did not receive allocated intervention (n=${a.notReceivedAllocated.total})`,
      indent: true,
    },
    ...reasonLines(a.notReceivedAllocated.reasons),
    { text: `Not yet known (n=${a.receivedNotYetKnown})`, indent: true },
  ];
}

function followUpLines(a: ArmFlow): Line[] {
  return [
    { text: `Lost to follow-up (n=${a.lostToFollowUp.total})`, bold: true },
    ...reasonLines(a.lostToFollowUp.reasons),
    { text: `Discontinued (n=${a.discontinued.total})`, bold: true },
    ...reasonLines(a.discontinued.reasons),
    {
      text: `Discontinued intervention, still followed (n=${a.discontinuedIntervention.total})`,
      bold: true,
    },
    ...reasonLines(a.discontinuedIntervention.reasons),
    { text: `Completed (n=${a.completed}); in follow-up (n=${a.inFollowUp})` },
  ];
}

function analysisLines(a: ArmFlow): Line[] {
  return [
    { text: `Analysed, intention to treat (n=${a.analysed.intentionToTreat})`, bold: true },
    {
      text: `With week-96 primary endpoint data (n=${a.analysed.withPrimaryEndpoint})`,
      indent: true,
    },
    { text: `Week-96 data missing (n=${a.analysed.primaryEndpointMissing})`, indent: true },
    { text: `Not yet at week 96 (n=${a.analysed.primaryEndpointNotYetDue})`, indent: true },
  ];
}

export function renderConsortSvg(
  flow: ConsortFlow,
  title = 'RAM-MS CONSORT 2025 flow diagram',
): string {
  const parts: string[] = [];
  const stage = (y: number, label: string) =>
    parts.push(
      `<rect x="10" y="${y}" width="${WIDTH - 20}" height="22" fill="#dbe8f5"/><text x="${WIDTH / 2}" y="${y + 15}" text-anchor="middle" font-weight="bold">${escapeXml(label)}</text>`,
    );
  let y = 40;
  stage(y, 'Enrolment');
  y += 36;

  const enrolW = 300;
  const assessed: Line[] = [
    { text: `Assessed for eligibility (n=${flow.enrolment.assessedForEligibility})`, bold: true },
  ];
  const assessedH = boxHeight(assessed, enrolW);
  parts.push(box(CENTRE - enrolW / 2, y, enrolW, assessed, assessedH));
  const assessedBottom = y + assessedH;

  const excludedLines: Line[] = [
    { text: `Excluded (n=${flow.enrolment.excluded.total})`, bold: true },
    ...reasonLines(flow.enrolment.excluded.reasons),
    { text: `Still in screening, not yet decided (n=${flow.enrolment.stillInScreening})` },
  ];
  const exX = CENTRE + 40;
  const exW = WIDTH - 20 - exX;
  const exY = assessedBottom + 20;
  const exH = boxHeight(excludedLines, exW);
  parts.push(box(exX, exY, exW, excludedLines, exH));
  parts.push(arrow(CENTRE, exY + exH / 2, exX, exY + exH / 2));

  const randY = exY + exH + 20;
  const randomised: Line[] = [{ text: `Randomised (n=${flow.enrolment.randomised})`, bold: true }];
  const randH = boxHeight(randomised, enrolW);
  parts.push(arrow(CENTRE, assessedBottom, CENTRE, randY));
  parts.push(box(CENTRE - enrolW / 2, randY, enrolW, randomised, randH));

  y = randY + randH + 20;
  stage(y, 'Allocation');
  const splitY = y + 30;
  const armW = 380;
  const xs = [30, WIDTH - 30 - armW];
  const centres = xs.map((x) => x + armW / 2);
  parts.push(line(CENTRE, randY + randH, CENTRE, splitY));
  parts.push(line(centres[0], splitY, centres[1], splitY));

  const rows: { label: string | null; lines: (a: ArmFlow) => Line[] }[] = [
    { label: null, lines: allocationLines },
    { label: 'Follow-up', lines: followUpLines },
    { label: 'Analysis', lines: analysisLines },
  ];
  let top = splitY + 20;
  for (const [i, row] of rows.entries()) {
    if (row.label) {
      stage(top, row.label);
      top += 36;
    }
    const lines = flow.arms.map(row.lines);
    const h = Math.max(...lines.map((l) => boxHeight(l, armW)));
    flow.arms.forEach((arm, k) => {
      const from = i === 0 ? splitY : top - (row.label ? 56 : 20);
      parts.push(arrow(centres[k], from, centres[k], top));
      parts.push(box(xs[k], top, armW, lines[k], h));
    });
    top += h + 20;
  }
  const height = top + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Arial, Helvetica, sans-serif" font-size="12" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#333"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

import type { PagingMessage } from '../contract/connector';
import { clip, oneLine } from '../shared/notify';
import type { TeamsCardElement, TeamsCardMessage, TeamsMessageCard } from './teams.types';

/** Teams refuses a message over 28 KB; this keeps the text well inside it. */
export const MAX_TEXT = 8000;
const MAX_TITLE = 500;

type Tone = 'Attention' | 'Warning' | 'Good' | 'Accent' | 'Default';

const THEME_COLOR: Record<Tone, string> = {
  Attention: 'D13438',
  Warning: 'FFB900',
  Good: '107C10',
  Accent: '0078D4',
  Default: '605E5C',
};

function tone(m: PagingMessage): Tone {
  if (m.event === 'resolved') return 'Good';
  if (m.event === 'mitigating') return 'Accent';
  if (m.severity === 'critical' || m.severity === 'error') return 'Attention';
  return m.severity === 'warning' ? 'Warning' : 'Default';
}

function title(m: PagingMessage): string {
  const summary = clip(oneLine(m.summary), MAX_TITLE);
  const severity = `[${m.severity.toUpperCase()}]`;
  switch (m.event) {
    case 'opened':
      return `${severity} ${summary}`;
    case 'recurred':
      return `${severity} Recurred: ${summary}`;
    case 'mitigating':
      return `Mitigating: ${summary}`;
    case 'resolved':
      return `Resolved: ${summary}`;
  }
}

const isFollowUp = (m: PagingMessage) => m.event === 'mitigating' || m.event === 'resolved';

function facts(m: PagingMessage): { title: string; value: string }[] {
  const list: { title: string; value: string }[] = [{ title: 'Severity', value: m.severity }];
  if (m.client) list.push({ title: 'Client', value: m.client });
  if (m.device) list.push({ title: 'Device', value: m.device });
  list.push({ title: 'Incident', value: m.incidentKey });
  return list;
}

/** The opening or recurrence with its whole text; follow-ups as a title and the incident key. */
export function toAdaptiveCardMessage(m: PagingMessage): TeamsCardMessage {
  const body: TeamsCardElement[] = [
    {
      type: 'TextBlock',
      text: title(m),
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      color: tone(m),
    },
  ];
  const text = m.text.trim();
  if (!isFollowUp(m) && text !== '')
    body.push({ type: 'TextBlock', text: clip(text, MAX_TEXT), wrap: true });
  body.push({
    type: 'FactSet',
    facts: isFollowUp(m) ? [{ title: 'Incident', value: m.incidentKey }] : facts(m),
  });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open incident', url: m.link }],
        },
      },
    ],
  };
}

/** The same message as a legacy connector card; its text is Markdown, so lines become paragraphs. */
export function toMessageCard(m: PagingMessage): TeamsMessageCard {
  const card: TeamsMessageCard = {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    summary: title(m),
    themeColor: THEME_COLOR[tone(m)],
    title: title(m),
    sections: [
      {
        facts: (isFollowUp(m) ? [{ title: 'Incident', value: m.incidentKey }] : facts(m)).map(
          (f) => ({ name: f.title, value: f.value }),
        ),
      },
    ],
    potentialAction: [
      { '@type': 'OpenUri', name: 'Open incident', targets: [{ os: 'default', uri: m.link }] },
    ],
  };
  const text = m.text.trim();
  if (!isFollowUp(m) && text !== '') card.text = clip(text, MAX_TEXT).replace(/\r?\n/g, '\n\n');
  return card;
}

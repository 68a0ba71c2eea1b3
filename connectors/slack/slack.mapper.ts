import type { PagingMessage } from '../contract/connector';
import { clip, oneLine } from '../shared/notify';
import type { SlackSectionBlock, SlackWebhookMessage } from './slack.types';

/** Slack's limit for the text of a section block. */
export const MAX_SECTION_TEXT = 3000;
const MAX_SUMMARY = 1000;

/** The three characters Slack's mrkdwn needs escaped; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>`; the characters that would end the link are percent-encoded. */
function mrkdwnLink(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, (c) => encodeURIComponent(c))}|${label}>`;
}

function headline(m: PagingMessage): string {
  const summary = escapeMrkdwn(clip(oneLine(m.summary), MAX_SUMMARY));
  const severity = `[${m.severity.toUpperCase()}]`;
  switch (m.event) {
    case 'opened':
      return `${severity} ${summary}`;
    case 'recurred':
      return `${severity} Recurred: ${summary}`;
    case 'mitigating':
      return `Mitigating: ${summary} (incident ${escapeMrkdwn(m.incidentKey)})`;
    case 'resolved':
      return `Resolved: ${summary} (incident ${escapeMrkdwn(m.incidentKey)})`;
  }
}

/**
 * One webhook message per state change. An opening or a recurrence carries the whole text in
 * blocks; mitigating and resolved are one-line follow-ups naming the incident key.
 */
export function toSlackMessage(m: PagingMessage): SlackWebhookMessage {
  const line = headline(m);
  const link = mrkdwnLink(m.link, 'Open incident');
  const text = `${line} ${link}`;
  if (m.event === 'mitigating' || m.event === 'resolved') return { text };
  const blocks: SlackSectionBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${line}*\n${link}` } },
  ];
  const body = m.text.trim();
  if (body !== '')
    blocks.push({
      type: 'section',
      text: { type: 'plain_text', text: clip(body, MAX_SECTION_TEXT) },
    });
  return { text, blocks };
}

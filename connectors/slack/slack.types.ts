/** Block Kit text object. */
export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

export interface SlackSectionBlock {
  type: 'section';
  text: SlackText;
}

/** The JSON an incoming webhook takes: `text` is the notification (and the message when no blocks). */
export interface SlackWebhookMessage {
  text: string;
  blocks?: SlackSectionBlock[];
}

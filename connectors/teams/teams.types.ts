/** The Adaptive Card elements the connector uses (schema version 1.4). */
export type TeamsCardElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      weight?: 'Bolder';
      size?: 'Medium';
      color?: 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
    }
  | { type: 'FactSet'; facts: { title: string; value: string }[] };

export interface TeamsAdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: TeamsCardElement[];
  actions: { type: 'Action.OpenUrl'; title: string; url: string }[];
}

/** What a Workflows webhook (and a legacy Incoming Webhook) takes: a message with card attachments. */
export interface TeamsCardMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    content: TeamsAdaptiveCard;
  }[];
}

/** The legacy Office 365 connector card ("actionable message card"). */
export interface TeamsMessageCard {
  '@type': 'MessageCard';
  '@context': 'http://schema.org/extensions';
  summary: string;
  themeColor: string;
  title: string;
  text?: string;
  sections: { facts: { name: string; value: string }[] }[];
  potentialAction: {
    '@type': 'OpenUri';
    name: string;
    targets: { os: 'default'; uri: string }[];
  }[];
}

/** A Power Automate / Logic Apps error answer: `{ error: { code, message } }`. */
export interface TeamsFlowError {
  error?: { code?: string; message?: string };
}

/**
 * The neutral card model: what a chat answer says, in order, without any platform's vocabulary.
 * Slack renders it to Block Kit and Teams to Adaptive Cards; a new card touches views/ only.
 *
 * Every text field (summary, headers, texts, facts, grid, list titles and items, button labels,
 * prompts) is gig's neutral markup (views/escape/markup.ts): **bold**, _italic_, `code`, line breaks, and
 * backslash escapes. It has no link or mention syntax. Text gig does not control (commit subjects,
 * reasons, names, manual steps, Jira summaries, configured names) goes in through `lit()`, or
 * `prose()` for a gig sentence quoting it; renderers escape every literal run for their platform.
 */
export interface Card {
  /** One line for notifications and clients that cannot show cards (shown without emphasis). */
  summary: string;
  blocks: CardBlock[];
  /** The full document, for the platform to attach when the card had to be cut to fit (a file, not card markup). */
  attachment?: { filename: string; title: string; content: string; release?: string };
}

export type CardBlock =
  | { kind: 'header'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'facts'; facts: Array<{ label: string; value: string }> }
  | { kind: 'grid'; title: string; columns: string[]; rows: Array<{ label: string; cells: string[] }> }
  | { kind: 'list'; title: string; items: string[] }
  | { kind: 'item'; text: string; action?: CardAction }
  | { kind: 'actions'; actions: CardAction[] }
  | { kind: 'context'; text: string }
  | { kind: 'divider' };

export interface CardAction {
  /** Stable ids: gig.release.approve, gig.release.flag, gig.manual.done. */
  id: ActionId;
  label: string;
  /** JSON of the action's payload (release id and manifest hash, or ticket and step). */
  value: string;
  style?: 'primary' | 'danger';
  /** What the action asks of whoever clicks it before it runs (a flag's reason). */
  prompt?: CardPrompt;
  /** A question to confirm before the action runs (Approve on a release that is not safe, Done on a step). */
  confirm?: CardConfirm;
}

/** A yes/no question before an action runs, in neutral terms (Slack's confirm dialog). */
export interface CardConfirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

/**
 * Input an action needs, in neutral terms: each platform builds its own input from it (Slack a
 * modal opened by the button, Teams a text box above the buttons). Its words are markup like every
 * card text (views write them: cards/prompts.ts), shown without emphasis: inputs take plain text.
 */
export interface CardPrompt {
  /** The key the answer comes back under: Teams' input id, Slack's block and element id. */
  field: string;
  /** What the question is about (the title of Slack's modal). */
  title: string;
  label: string;
  placeholder: string;
  /** The buttons that send the answer and that back out (where the platform has its own). */
  submit: string;
  cancel: string;
  multiline: boolean;
  /** Bounds of the answer where the platform can hold to them (Adaptive Cards have no minimum). */
  minLength: number;
  maxLength: number;
  /** Said when the answer is empty or blank. */
  whenEmpty: string;
}

export const ACTIONS = {
  approve: 'gig.release.approve',
  /** Approve a BLOCKED release anyway, with a reason (approvals.allowBlockedOverride). */
  override: 'gig.release.override',
  flag: 'gig.release.flag',
  manualDone: 'gig.manual.done',
  /** A digest's drill-in: the ticket's status towards the digest's target, for the one who clicked. */
  showStatus: 'gig.status.show',
} as const;

export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

export interface ReleaseActionValue {
  release: string;
  hash: string;
}

export interface StatusValue {
  ticket: string;
  to: string;
}

export interface ManualDoneValue {
  ticket: string;
  step: string;
  to: string | null;
  release?: string;
}

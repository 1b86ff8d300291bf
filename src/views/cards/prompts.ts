import { ACTIONS, type ActionId, type CardPrompt } from './model.js';

/** Flag on a release card: the reason is recorded as a rejection of every ticket of the release. */
export const FLAG_PROMPT: CardPrompt = {
  field: 'reason',
  title: 'Flag this release',
  label: 'Reason (needed to flag)',
  placeholder: 'What is wrong with this release?',
  submit: 'Flag',
  cancel: 'Cancel',
  multiline: true,
  minLength: 3,
  maxLength: 500,
  whenEmpty: 'A flag needs a reason, so the team knows what to fix.',
};

/**
 * The prompt of every action that asks for input, by action id: for surfaces that ask after the
 * click (Slack opens its modal from the button's id; Teams reads the answer under `field`).
 */
export const PROMPTS: Readonly<Partial<Record<ActionId, CardPrompt>>> = {
  [ACTIONS.flag]: FLAG_PROMPT,
};

/** The answer to a prompt, trimmed; or what to say when it is blank. */
export function promptAnswer(prompt: CardPrompt, raw: string | null | undefined): { ok: true; value: string } | { ok: false; error: string } {
  const value = (raw ?? '').trim();
  return value.length === 0 ? { ok: false, error: prompt.whenEmpty } : { ok: true, value };
}

import { ACTIONS, type ActionId, type CardConfirm, type CardPrompt } from './model.js';
import { lit } from '../escape/markup.js';
import { truncate } from '../format.js';

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

/** Approve over BLOCKED: the reason is recorded with the approval, for the audit trail. */
export const OVERRIDE_PROMPT: CardPrompt = {
  field: 'overrideReason',
  title: 'Approve a BLOCKED release',
  label: 'Why approve it although it is BLOCKED? (recorded)',
  placeholder: 'e.g. the missing DB script is run by hand tonight; see INC-42',
  submit: 'Approve anyway',
  cancel: 'Cancel',
  multiline: true,
  minLength: 3,
  maxLength: 500,
  whenEmpty: 'Approving a BLOCKED release needs a reason on record.',
};

/**
 * The prompt of every action that asks for input, by action id: for surfaces that ask after the
 * click (Slack opens its modal from the button's id; Teams reads the answer under `field`).
 */
export const PROMPTS: Readonly<Partial<Record<ActionId, CardPrompt>>> = {
  [ACTIONS.flag]: FLAG_PROMPT,
  [ACTIONS.override]: OVERRIDE_PROMPT,
};

/** The answer to a prompt, trimmed; or what to say when it is blank. */
export function promptAnswer(prompt: CardPrompt, raw: string | null | undefined): { ok: true; value: string } | { ok: false; error: string } {
  const value = (raw ?? '').trim();
  return value.length === 0 ? { ok: false, error: prompt.whenEmpty } : { ok: true, value };
}

/** Done on a manual step: the step is checked off for everyone, so it asks first, naming the step. */
export function manualDoneConfirm(step: { id: string; summary: string }, where: string | null): CardConfirm {
  return {
    title: 'Mark the step done?',
    text: `\`${lit(step.id)}\` ${lit(truncate(step.summary, 200))}${where ? ` (for **${lit(where)}**)` : ''}. Everyone will see it as done.`,
    confirm: 'Done',
    deny: 'Not yet',
  };
}

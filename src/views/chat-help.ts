/** The chat verbs as people read them in help and usage errors; the grammar is commands/chat-grammar.ts. */
export const CHAT_VERBS: Array<{ verb: ChatVerb; usage: string; example: string; summary: string }> = [
  { verb: 'status', usage: 'status <TICKET> [to <env>]', example: 'status ABC-123', summary: 'where a ticket is, and its verdict' },
  { verb: 'check', usage: 'check <TICKET> <from> <to>', example: 'check ABC-123 qa uat', summary: 'what one environment has that the next lacks' },
  { verb: 'since', usage: 'since <TICKET>', example: 'since ABC-123', summary: 'what changed after the last rejection' },
  { verb: 'deps', usage: 'deps <TICKET>', example: 'deps ABC-123', summary: 'what the ticket needs, and who needs it' },
  { verb: 'release', usage: 'release <ID> [<from> <to> <TICKETS…>]', example: 'release REL-7 qa uat ABC-1 ABC-2', summary: 'a release-readiness card with Approve / Flag' },
  { verb: 'manual', usage: 'manual <TICKET> [add <text> | done <id> | reopen <id>]', example: 'manual ABC-123 done m3fa2c1', summary: 'manual steps' },
  { verb: 'reject', usage: 'reject <TICKET> <stage> <reason>', example: 'reject ABC-123 qa "totals of 0 crash checkout"', summary: 'record a failed review' },
  { verb: 'digest', usage: 'digest <name>', example: 'digest prod-window', summary: 'preview a scheduled digest (only you see it)' },
  { verb: 'home', usage: 'home', example: 'home', summary: 'releases waiting for your approval, open releases, next digests (only you see it)' },
  { verb: 'sync', usage: 'sync', example: 'sync', summary: 'refresh the index now' },
  { verb: 'watch', usage: 'watch <TICKET|RELEASE> [here]', example: 'watch ABC-123', summary: 'hear when it reaches an environment or its verdict changes' },
  { verb: 'unwatch', usage: 'unwatch <TICKET|RELEASE> [here]', example: 'unwatch ABC-123', summary: 'stop hearing about it' },
  { verb: 'help', usage: 'help', example: 'help', summary: 'this list' },
];


export type ChatVerb = 'help' | 'status' | 'check' | 'since' | 'deps' | 'release' | 'manual' | 'reject' | 'digest' | 'sync' | 'watch' | 'unwatch' | 'home';

/**
 * Points in the publisher where a test may step in (the crash test kills the process right after AWS
 * accepted a change set). Production provides none: the token is injected optionally.
 */
export interface ChangeSetHooks {
  /** Awaited before the change set id is stored. */
  afterStartChangeSet(): Promise<void>;
}

export const CHANGE_SET_HOOKS = Symbol('CHANGE_SET_HOOKS');

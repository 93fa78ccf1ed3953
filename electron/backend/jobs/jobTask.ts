/** What a long task may report while it runs. */
export interface TaskProgress {
  phase: string;
  message: string;
  done: number;
  total?: number;
}

export interface TaskContext {
  signal: AbortSignal;
  progress: (p: TaskProgress) => void;
}

/** Runs a named task with serialisable parameters; in-process or in a worker thread. */
export interface TaskExecutor {
  execute(task: string, params: unknown, ctx: TaskContext): Promise<unknown>;
}

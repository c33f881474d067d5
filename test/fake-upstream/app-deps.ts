import type { CaptchaService } from './captcha/captcha-service.js';
import type { FakeEvents } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { Recorder } from './recorder.js';
import type { FakeStore } from './store.js';
import type { TaskService } from './tasks/task-service.js';

/** Shared services handed to routes and socket handlers (one composition root: start-fake-upstream.ts). */
export interface AppDeps {
  store: FakeStore;
  options: ResolvedOptions;
  captcha: CaptchaService;
  tasks: TaskService;
  events: FakeEvents;
  recorder: Recorder;
}

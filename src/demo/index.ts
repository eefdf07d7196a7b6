// Front door of the demo (`npm run demo`): runDemo() for main.ts and the test.
export { runDemo, type DemoIo } from './run.js';
export { DEMO_MESSAGES, DEMO_ORG, DEMO_SENDER, DEMO_HANDSET, OPTED_OUT_HANDSET } from './walkthrough.js';

// Front door of the web console (src/console/README.md): a fastify plugin engine.ts registers on the admin API.
export { consolePlugin, type ConsoleDeps } from './plugin.js';
export { allCharts, chartOf, type Chart, type ChartNode, type ChartEdge } from './machines.js';
export { fleetPage, type FleetPage, type FleetRow, type FleetDeps } from './fleet.js';

// Traces a workflow run with the OpenTelemetry console exporter (see the README section
// "OpenTelemetry"). Needs @opentelemetry/api and @opentelemetry/sdk-trace-base installed.
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { packagedWorkflow, Runner, task } from 'cloacina';

trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }));

const fetch = task({ id: 'fetch' }, (ctx) => ctx.set('rows', [3, 1, 2]));
const sort = task({ id: 'sort', dependencies: [fetch] }, (ctx) => ctx.set('rows', [...ctx.get('rows')].sort()));
const report = packagedWorkflow({ name: 'report', tasks: [fetch, sort] });

const runner = await Runner.open({ database: ':memory:' });
const result = await (await runner.execute(report)).result();
await runner.close();
console.log(`report ${result.status}`);

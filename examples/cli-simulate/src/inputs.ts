import { receiptsStreamId, seedScenarios, type Scenario } from '@ordersource/domain/receipts';

/**
 * Seed 003's scenarios (packages/domain/src/receipts/scenarios.ts) as
 * `ordersource simulate` input: one JSON line per command, on the receipts
 * stream of the scenario's order. The committed .jsonl files are this
 * function's output; the test checks they still are.
 */
export const scenarioLines = (scenario: Scenario): string[] => [
  `// seed 003 (RetailCRM, 54-FZ): ${scenario.name} (${scenario.rules.join(', ')})`,
  ...scenario.commands.map((command) =>
    JSON.stringify({
      stream: receiptsStreamId(scenario.name),
      type: command.type,
      data: command.data,
      at: command.metadata.at,
      actor: command.metadata.actor,
      commandId: command.metadata.commandId,
    }),
  ),
];

export const scenarioFiles = (): { name: string; file: string; text: string; scenario: Scenario }[] =>
  seedScenarios.map((scenario) => ({
    name: scenario.name,
    file: `receipts/${scenario.name}.jsonl`,
    text: `${scenarioLines(scenario).join('\n')}\n`,
    scenario,
  }));

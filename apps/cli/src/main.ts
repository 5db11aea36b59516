import { registerAuditCommands } from './commands/audit.ts';
import { registerCatalogsCommands } from './commands/catalogs.ts';
import { registerEndpointsCommands } from './commands/endpoints.ts';
import { registerGrantsCommands } from './commands/grants.ts';
import { registerIndexCommands } from './commands/index.ts';
import { registerInferenceCommands } from './commands/inference.ts';
import { registerInitCommands } from './commands/init.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerPrincipalsCommands } from './commands/principals.ts';
import { registerSchemasCommands } from './commands/schemas.ts';
import { registerTokensCommands } from './commands/tokens.ts';
import { createProgram, runProgram } from './program.ts';

const program = createProgram();
// Command groups register here, one module each (src/commands/<group>.ts).
registerIndexCommands(program);
registerInitCommands(program);
registerCatalogsCommands(program);
registerSchemasCommands(program);
registerModelsCommands(program);
registerPrincipalsCommands(program);
registerTokensCommands(program);
registerGrantsCommands(program);
registerAuditCommands(program);
registerEndpointsCommands(program);
registerInferenceCommands(program);
await runProgram(program, process.argv);

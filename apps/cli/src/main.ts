import { createProgram, runProgram } from './program.ts';

const program = createProgram();
// Command groups register here, one module each (src/commands/<group>.ts).
await runProgram(program, process.argv);

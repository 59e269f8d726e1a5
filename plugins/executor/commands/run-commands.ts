export const RUN_COMMANDS: (new (...args: never[]) => unknown)[] = [];

// Lint fixture: a core file that reads the environment. The lint must reject it.
export const home = (): string | undefined => process.env.HOME;

export const usage = 'drg rates: not yet';
export async function run(): Promise<number> { return 1; }

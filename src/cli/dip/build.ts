export const usage = 'todo';
export async function run(_argv: readonly string[]): Promise<number> {
  return 1;
}

import * as z from 'zod';

/**
 * The one definition of a secret's name: an environment variable name
 * (letters, digits and `_`, not starting with a digit), since a secret
 * reaches a command as one. Settings, tool input, the stores, the runners and
 * the commands that set secrets all check it here.
 */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME_MAX = 200;

export const secretNameSchema = z
  .string()
  .max(SECRET_NAME_MAX)
  .regex(SECRET_NAME, 'a secret name is an environment variable name (letters, digits and _, not starting with a digit)');

export function isSecretName(name: string): boolean {
  return name.length <= SECRET_NAME_MAX && SECRET_NAME.test(name);
}

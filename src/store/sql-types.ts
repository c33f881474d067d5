/** Zod building blocks for SQLite rows, which arrive as `unknown`. */
import { z } from 'zod';

/** An INTEGER column. */
export const sqlInt = z.number().int();

/** A nullable INTEGER column. */
export const sqlIntOrNull = z.number().int().nullable();

/** A nullable TEXT column. */
export const sqlTextOrNull = z.string().nullable();

/** A 0/1 INTEGER column (or a PostgreSQL boolean expression) as a boolean. */
export const sqlBool = z.union([
  z.boolean(),
  z
    .number()
    .int()
    .transform((value) => value !== 0),
]);

/** Parse one row (or `undefined` from `.get()`) into a domain value; null when there is no row. */
export function parseRowOrNull<S extends z.ZodType>(schema: S, row: unknown): z.output<S> | null {
  return row === undefined ? null : schema.parse(row);
}

/** Parse every row of `.all()`. */
export function parseRows<S extends z.ZodType>(schema: S, rows: readonly unknown[]): z.output<S>[] {
  return rows.map((row) => schema.parse(row));
}

/** A boolean as a 0/1 INTEGER parameter. */
export function toSqlBool(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** Row id of an INSERT as a number (ids stay far below 2^53). */
export function rowId(value: number | bigint): number {
  return Number(value);
}

/** The stand-ins' one clock: epoch milliseconds, below the millisecond, so their timelines compare. */
export const now = (): number => performance.timeOrigin + performance.now();

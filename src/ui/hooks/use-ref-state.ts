// State the key handler reads and writes synchronously (several keys can arrive
// in one stdin chunk, before React re-renders), with a render scheduled on change.
import { useCallback, useReducer, useRef } from 'react';

export function useRefState<T>(initial: T | (() => T)): [() => T, (next: T | ((prev: T) => T)) => void] {
  const ref = useRef<T | undefined>(undefined);
  const initialised = useRef(false);
  if (!initialised.current) {
    ref.current = typeof initial === 'function' ? (initial as () => T)() : initial;
    initialised.current = true;
  }
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const get = useCallback(() => ref.current as T, []);
  const set = useCallback((next: T | ((prev: T) => T)) => {
    const value = typeof next === 'function' ? (next as (prev: T) => T)(ref.current as T) : next;
    if (Object.is(value, ref.current)) return;
    ref.current = value;
    tick();
  }, []);
  return [get, set];
}

import type { ReactNode } from 'react';
import { Text } from 'ink';
import type { ScreenProps } from '../app.js';
import { useDesk } from '../desk-context.js';

export function PendingScreen({ visible }: ScreenProps): ReactNode {
  const desk = useDesk();
  desk.register('pending', { scope: 'list', disabled: () => ({}), onCommand: () => false });
  if (!visible) return null;
  return <Text>Pending</Text>;
}

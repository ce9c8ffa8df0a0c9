import type { ReactNode } from 'react';
import { Text } from 'ink';
import type { ScreenProps } from '../app.js';
import { useDesk } from '../desk-context.js';

export function SentScreen({ visible }: ScreenProps): ReactNode {
  const desk = useDesk();
  desk.register('sent', { scope: 'list', disabled: () => ({}), onCommand: () => false });
  if (!visible) return null;
  return <Text>Sent</Text>;
}

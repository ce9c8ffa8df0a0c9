// The popups on the focus stack: a scrollable text view (detail, help, raw mail),
// a yes/no confirmation, a one-line prompt and a choice list.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Overlay } from '../state/focus.js';
import { useTheme } from './theme-context.js';
import { sanitizeLine } from '../../core/sanitize.js';

export function OverlayView({ overlay, width, height }: { overlay: Overlay; width: number; height: number }): ReactNode {
  const theme = useTheme();
  switch (overlay.kind) {
    case 'text': {
      const body = Math.max(1, height - 3);
      const shown = overlay.lines.slice(overlay.top, overlay.top + body);
      const more = overlay.lines.length > body ? ` ${overlay.top + 1}-${overlay.top + shown.length}/${overlay.lines.length}` : '';
      return (
        <Box flexDirection="column" borderStyle="single" borderColor={theme.text.accent} width={width} height={height} paddingX={1}>
          <Box>
            <Box flexGrow={1}>
              <Text bold wrap="truncate-end">
                {sanitizeLine(overlay.title)}
              </Text>
            </Box>
            <Text color={theme.text.muted}>{more}</Text>
          </Box>
          {shown.map((line, i) => (
            <Text key={overlay.top + i} wrap="truncate-end">
              {line === '' ? ' ' : sanitizeLine(line)}
            </Text>
          ))}
        </Box>
      );
    }
    case 'confirm':
      return (
        <Box flexDirection="column" borderStyle="double" borderColor={theme.status.warning} width={width} paddingX={1}>
          <Text wrap="wrap">{sanitizeLine(overlay.message)}</Text>
          <Text color={theme.text.muted}>y: yes   n/Esc: no</Text>
        </Box>
      );
    case 'prompt':
      return (
        <Box flexDirection="column" borderStyle="single" borderColor={theme.text.accent} width={width} paddingX={1}>
          <Text wrap="truncate-end">{sanitizeLine(overlay.label)}</Text>
          <Text wrap="truncate-start">
            {'> '}
            {sanitizeLine(overlay.value)}
            <Text inverse> </Text>
          </Text>
          <Text color={theme.text.muted}>Enter: ok   Esc: cancel</Text>
        </Box>
      );
    case 'choice':
      return (
        <Box flexDirection="column" borderStyle="single" borderColor={theme.text.accent} width={width} paddingX={1}>
          <Text bold wrap="truncate-end">
            {sanitizeLine(overlay.title)}
          </Text>
          {overlay.options.map((option, i) => (
            <Text key={i} inverse={i === overlay.cursor} wrap="truncate-end">
              {i === overlay.cursor ? '> ' : '  '}
              {sanitizeLine(option)}
            </Text>
          ))}
          <Text color={theme.text.muted}>j/k: move   Enter: choose   Esc: cancel</Text>
        </Box>
      );
  }
}

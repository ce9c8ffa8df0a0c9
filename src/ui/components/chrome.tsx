// The tab bar, the status line and the footer hints.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { compactCount } from '../format.js';
import { useTheme } from './theme-context.js';

export interface TabInfo {
  key: string;
  title: string;
  count?: number;
}

export function TabBar({ tabs, active }: { tabs: TabInfo[]; active: number }): ReactNode {
  const theme = useTheme();
  return (
    <Box>
      <Text wrap="truncate-end">
        {tabs.map((tab, i) => {
          const label = `${tab.key} ${tab.title}${tab.count !== undefined ? ` ${compactCount(tab.count)}` : ''}`;
          return (
            <Text key={tab.key}>
              {i === active ? (
                <Text bold inverse color={theme.tab.active}>
                  {` ${label} `}
                </Text>
              ) : (
                <Text color={theme.tab.inactive}>{` ${label} `}</Text>
              )}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}

export type Tone = 'info' | 'ok' | 'warning' | 'danger';

export function StatusLine({ message, tone, busy }: { message?: string; tone?: Tone; busy?: string }): ReactNode {
  const theme = useTheme();
  return (
    <Box>
      <Box flexGrow={1}>
        <Text wrap="truncate-end" color={tone ? theme.status[tone] : undefined}>
          {message ?? ' '}
        </Text>
      </Box>
      {busy ? <Text color={theme.status.info}> {busy}</Text> : null}
    </Box>
  );
}

export function Footer({ hints }: { hints: { key: string; label: string; disabled: boolean }[] }): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {hints.map((h, i) => (
        <Text key={i} color={h.disabled ? theme.text.muted : undefined} dimColor={h.disabled && !theme.enabled}>
          <Text bold={!h.disabled}>{h.key}</Text>
          {` ${h.label}  `}
        </Text>
      ))}
    </Text>
  );
}

import { Box, Text } from 'ink';
import { footerText, type Binding } from './keys.js';
import { Shown } from './shown.js';
import { useStyle } from './theme.js';

/** The message line (blank when there is none) and the one-line key map. */
export function Footer({ bindings, message, width, withHelp = true }: { bindings: Binding[]; message: string | null; width: number; withHelp?: boolean }) {
  const style = useStyle();
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" {...style('warning')}>
        <Shown text={message ?? ' '} />
      </Text>
      <Text wrap="truncate-end" {...style('muted')}>{footerText(bindings, width, withHelp)}</Text>
    </Box>
  );
}

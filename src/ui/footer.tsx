import { Box, Text } from 'ink';
import { footerText, type Binding } from './keys.js';
import { Shown } from './shown.js';
import { useStyle } from './theme.js';

interface Props {
  bindings: Binding[];
  message: string | null;
  width: number;
  withHelp?: boolean;
  /** The search prompt's text while it takes keys: shown on the message line, with a caret. */
  prompt?: string | null;
}

/** The message line (blank when there is none; the search prompt while it is open) and the one-line key map. */
export function Footer({ bindings, message, width, withHelp = true, prompt = null }: Props) {
  const style = useStyle();
  return (
    <Box flexDirection="column" width={width}>
      {prompt === null ? (
        <Text wrap="truncate-end" {...style('warning')}>
          <Shown text={message ?? ' '} />
        </Text>
      ) : (
        <Text wrap="truncate-start">
          {'/'}
          <Shown text={prompt} />
          <Text inverse> </Text>
        </Text>
      )}
      <Text wrap="truncate-end" {...style('muted')}>{footerText(bindings, width, withHelp)}</Text>
    </Box>
  );
}

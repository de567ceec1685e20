import { Box, Text } from 'ink';
import { Menu } from './menu.js';
import { useStyle } from './theme.js';

/** Asked before quitting throws decisions away. Keeping on reviewing is the default. */
export function ConfirmQuit({ decisions, width, menu, selected }: { decisions: number; width: number; menu: readonly string[]; selected: number }) {
  const style = useStyle();
  return (
    <Box flexDirection="column" width={width}>
      <Text {...style('title')}>{`Quit without writing? Your ${decisions} decision${decisions === 1 ? '' : 's'} will be lost.`}</Text>
      <Menu items={menu} selected={selected} />
    </Box>
  );
}

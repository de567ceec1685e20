import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { useStyle } from './theme.js';

/** Asked before quitting throws decisions away. Keeping on reviewing is the default. */
export function ConfirmQuit({ decisions, width, onChoice }: { decisions: number; width: number; onChoice: (quit: boolean) => void }) {
  const style = useStyle();
  return (
    <Box flexDirection="column" width={width}>
      <Text {...style('title')}>{`Quit without writing? Your ${decisions} decision${decisions === 1 ? '' : 's'} will be lost.`}</Text>
      <SelectInput<boolean>
        items={[
          { label: 'Keep reviewing', value: false },
          { label: 'Quit without writing', value: true },
        ]}
        onSelect={(item) => onChoice(item.value)}
      />
    </Box>
  );
}

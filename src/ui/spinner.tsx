import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { useStyle } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner; `animate` false freezes it on its first frame (tests, snapshots). */
export function Spinner({ animate }: { animate: boolean }) {
  const style = useStyle();
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!animate) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 80);
    return () => clearInterval(timer);
  }, [animate]);
  return <Text {...style('hunk')}>{FRAMES[frame]}</Text>;
}

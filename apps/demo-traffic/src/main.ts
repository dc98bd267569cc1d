import { runMain } from '@tagrelay/runtime';
import { bootstrap } from './bootstrap';

runMain(() => bootstrap());

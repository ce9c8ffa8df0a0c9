import { createContext, useContext } from 'react';
import { createTheme, type Theme } from '../theme.js';

export const ThemeContext = createContext<Theme>(createTheme({ NO_COLOR: '1' }));
export const useTheme = (): Theme => useContext(ThemeContext);

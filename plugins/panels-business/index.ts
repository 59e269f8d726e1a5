import { definePlugin } from '../../kernel/index.js';

/**
 * The business panels live entirely in the browser (gui/, built into gui/dist by `npm run build:ui`);
 * the server serves them from this folder because the manifest declares them. Nothing to bind.
 */
export default definePlugin({});

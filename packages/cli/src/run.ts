// Entry point of the `ordersource` binary (bin/ordersource.js runs this).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));

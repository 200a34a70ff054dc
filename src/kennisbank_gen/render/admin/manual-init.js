// Decap CMS starts itself as soon as its script runs; the admin page first registers the record
// format (kennisbank-cms.js), then starts it.
window.CMS_MANUAL_INIT = true;

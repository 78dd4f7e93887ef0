// Package catalog builds the zip archives Grafana's plugin catalog takes and
// checks them offline.
//
// An archive holds one folder named after the plugin id with the built
// frontend (plugin.json, module.js, img/), README.md, CHANGELOG.md, LICENSE
// and the backend binaries, executable bits kept in the zip headers. Pulse
// ships one archive for every platform together and one per OS and
// architecture (see [Archives]).
//
// [Check] applies the catalog's rules that need no network: each [Rule] has a
// name, and a broken archive fails with a [Failure] whose findings name the
// rules they break. Grafana's own validator and signing need the internet and
// run in the release workflow only.
package catalog

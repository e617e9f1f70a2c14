/**
 * SharePoint through Microsoft Graph with a plain {@code java.net.http} client: {@link
 * io.tramontane.connectors.sharepoint.SharePointKind} makes a {@link
 * io.tramontane.connectors.sharepoint.SharePointSource} per instance from {@link
 * io.tramontane.connectors.sharepoint.SharePointSettings}. A pass follows each document library's
 * {@code driveItem delta}; the checkpoint is a JSON object drive id → deltaLink, saved only after a
 * drive's last page. Permissions become ACL principals ({@code user:<id>}, {@code group:<id>},
 * {@code sharepoint-group:<site id>/<id>}). {@link
 * io.tramontane.connectors.sharepoint.ChangeNotifications} answers Graph's webhook handshake and
 * turns notifications whose clientState matches into passes. See the module README.
 */
package io.tramontane.connectors.sharepoint;

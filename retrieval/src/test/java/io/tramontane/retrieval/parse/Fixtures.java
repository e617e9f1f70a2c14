package io.tramontane.retrieval.parse;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.apache.pdfbox.pdmodel.interactive.form.PDXFAResource;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTString;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

/** Documents generated for the tests; no binary fixture is committed. */
final class Fixtures {

  private Fixtures() {}

  /** A DOCX: "Guide" (h1) / "Install" (h2) with paragraphs; title and author set. */
  static byte[] docx() throws IOException {
    try (XWPFDocument doc = new XWPFDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XWPFStyles styles = doc.createStyles();
      headingStyle(styles, "Heading1", "heading 1");
      headingStyle(styles, "Heading2", "heading 2");
      paragraph(doc, null, "Preface text before any heading.");
      paragraph(doc, "Heading1", "Guide");
      paragraph(doc, null, "The guide explains the tramontane wind.");
      paragraph(doc, "Heading2", "Install");
      paragraph(doc, null, "Run the installer twice.");
      doc.getProperties().getCoreProperties().setTitle("Operator Guide");
      doc.getProperties().getCoreProperties().setCreator("Ada Lovelace");
      doc.write(out);
      return out.toByteArray();
    }
  }

  private static void headingStyle(XWPFStyles styles, String id, String name) {
    CTStyle style = CTStyle.Factory.newInstance();
    style.setStyleId(id);
    CTString n = CTString.Factory.newInstance();
    n.setVal(name);
    style.setName(n);
    style.setType(STStyleType.PARAGRAPH);
    styles.addStyle(new XWPFStyle(style));
  }

  private static void paragraph(XWPFDocument doc, String style, String text) {
    XWPFParagraph p = doc.createParagraph();
    if (style != null) {
      p.setStyle(style);
    }
    p.createRun().setText(text);
  }

  /** A PDF with the given text, one page per entry; title set. */
  static byte[] pdf(String title, List<String> pages) throws IOException {
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (String text : pages) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 11);
          cs.setLeading(14);
          cs.newLineAtOffset(50, 740);
          for (String line : wrap(text, 90)) {
            cs.showText(line);
            cs.newLine();
          }
          cs.endText();
        }
      }
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle(title);
      info.setAuthor("Grace Hopper");
      Calendar created = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
      created.setTimeInMillis(1_700_000_000_000L);
      info.setCreationDate(created);
      doc.save(out);
      return out.toByteArray();
    }
  }

  private static List<String> wrap(String text, int width) {
    ArrayList<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines.size() > 48 ? lines.subList(0, 48) : lines;
  }

  /** A PDF whose AcroForm carries an XFA form with an external entity to {@code url}. */
  static byte[] pdfWithXfa(String url) throws IOException {
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      PDAcroForm form = new PDAcroForm(doc);
      doc.getDocumentCatalog().setAcroForm(form);
      PDTextField field = new PDTextField(form);
      field.setPartialName("name");
      form.getFields().add(field);
      String xfa =
          "<?xml version=\"1.0\"?><!DOCTYPE xdp [<!ENTITY xxe SYSTEM \""
              + url
              + "\">]><xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\">"
              + "<template xmlns=\"http://www.xfa.org/schema/xfa-template/3.3/\">"
              + "<subform name=\"form1\"><field name=\"applicant\"><caption><value><text>"
              + "Applicant surname</text></value></caption></field>"
              + "<field name=\"name\"><caption><value><text>&xxe;"
              + "</text></value></caption></field></subform></template>"
              + "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"><xfa:data>"
              + "<form1><applicant>Bartholomew</applicant><name>&xxe;</name></form1></xfa:data></xfa:datasets></xdp:xdp>";
      PDStream stream = new PDStream(doc);
      try (OutputStream os = stream.createOutputStream()) {
        os.write(xfa.getBytes(StandardCharsets.UTF_8));
      }
      COSStream cos = stream.getCOSObject();
      form.getCOSObject().setItem(COSName.XFA, cos);
      if (form.getXFA() == null) {
        throw new IllegalStateException("XFA not set");
      }
      PDXFAResource unused = form.getXFA();
      doc.save(out);
      return out.toByteArray();
    }
  }

  /** A PDF that needs a password to open. */
  static byte[] encryptedPdf() throws IOException {
    byte[] plain = pdf("Secret", List.of("Hidden text."));
    try (PDDocument doc = Loader.loadPDF(plain);
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      StandardProtectionPolicy policy =
          new StandardProtectionPolicy("owner-pw", "user-pw", new AccessPermission());
      policy.setEncryptionKeyLength(128);
      doc.protect(policy);
      doc.save(out);
      return out.toByteArray();
    }
  }

  static byte[] pptx() throws IOException {
    try (XMLSlideShow show = new XMLSlideShow();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSLFSlide slide = show.createSlide();
      XSLFTextBox box = slide.createTextBox();
      box.setText("Slides about the mistral and the bora.");
      show.getProperties().getCoreProperties().setTitle("Winds deck");
      show.write(out);
      return out.toByteArray();
    }
  }

  static byte[] xlsx() throws IOException {
    try (XSSFWorkbook book = new XSSFWorkbook();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSSFSheet sheet = book.createSheet("Budget");
      XSSFRow row = sheet.createRow(0);
      row.createCell(0).setCellValue("Sirocco");
      row.createCell(1).setCellValue(42);
      book.write(out);
      return out.toByteArray();
    }
  }

  static byte[] odt() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      byte[] mimetype =
          "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII);
      ZipEntry entry = new ZipEntry("mimetype");
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(mimetype.length);
      CRC32 crc = new CRC32();
      crc.update(mimetype);
      entry.setCrc(crc.getValue());
      zip.putNextEntry(entry);
      zip.write(mimetype);
      zip.closeEntry();
      put(
          zip,
          "META-INF/manifest.xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
              + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
              + " manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\""
              + " manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
              + "<manifest:file-entry manifest:full-path=\"content.xml\""
              + " manifest:media-type=\"text/xml\"/><manifest:file-entry"
              + " manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
              + "</manifest:manifest>");
      put(
          zip,
          "content.xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
              + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
              + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
              + " office:version=\"1.2\"><office:body><office:text>"
              + "<text:h text:outline-level=\"1\">Harbour</text:h>"
              + "<text:p>Boats stay in when the wind blows.</text:p>"
              + "</office:text></office:body></office:document-content>");
      put(
          zip,
          "meta.xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-meta"
              + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
              + " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
              + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.2\">"
              + "<office:meta><dc:title>Harbour notes</dc:title>"
              + "<meta:initial-creator>Ada</meta:initial-creator><dc:creator>Ada</dc:creator>"
              + "<meta:creation-date>2024-03-01T10:00:00</meta:creation-date>"
              + "</office:meta></office:document-meta>");
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /**
   * An e-mail (jakarta.mail) with a text body, a text attachment "notes.txt" and a DOCX attachment
   * "guide.docx" (see {@link #docx()}).
   */
  static byte[] eml() throws IOException {
    try {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
      message.setFrom(new InternetAddress("ada@example.org", "Ada"));
      message.setRecipients(Message.RecipientType.TO, "grace@example.org");
      message.setSubject("Wind report");
      message.setSentDate(new Date(1_764_583_200_000L));
      MimeBodyPart body = new MimeBodyPart();
      body.setText("The body talks about the tramontane.", "UTF-8");
      MimeBodyPart notes = new MimeBodyPart();
      notes.setDataHandler(
          new DataHandler(
              new ByteArrayDataSource(
                  "The attachment mentions the levante.\n".getBytes(StandardCharsets.UTF_8),
                  "text/plain; charset=UTF-8")));
      notes.setFileName("notes.txt");
      notes.setDisposition(Part.ATTACHMENT);
      MimeBodyPart guide = new MimeBodyPart();
      guide.setDataHandler(
          new DataHandler(
              new ByteArrayDataSource(
                  docx(),
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")));
      guide.setFileName("guide.docx");
      guide.setDisposition(Part.ATTACHMENT);
      MimeMultipart mixed = new MimeMultipart("mixed", body, notes, guide);
      message.setContent(mixed);
      message.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException e) {
      throw new IOException(e);
    }
  }

  /**
   * A DOCX whose document.xml inflates to {@code megabytes} MB of one repeated character, written
   * streaming so the test stays light.
   */
  static byte[] zipBombDocx(int megabytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      put(
          zip,
          "[Content_Types].xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types"
              + " xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
              + "<Default Extension=\"rels\""
              + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
              + "<Default Extension=\"xml\" ContentType=\"application/xml\"/><Override"
              + " PartName=\"/word/document.xml\" ContentType=\"application/"
              + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
      put(
          zip,
          "_rels/.rels",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships"
              + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
              + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
              + "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
              + "</Relationships>");
      zip.putNextEntry(new ZipEntry("word/document.xml"));
      zip.write(
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document"
                  + " xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                  + "<w:body><w:p><w:r><w:t>")
              .getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < megabytes; i++) {
        zip.write(chunk);
      }
      zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}

export type Lang = 'vi' | 'en';

export function langOf(value: string | undefined): Lang {
  return value === 'en' ? 'en' : 'vi';
}

/** Strings of the citizens' pages, Vietnamese first. */
export const TEXT = {
  vi: {
    surveyTitle: 'Đánh giá sự hài lòng',
    intro: 'Xin ông/bà cho biết mức độ hài lòng với việc giải quyết thủ tục hành chính. Mất khoảng một phút.',
    notApplicable: 'Không áp dụng',
    dossier: 'Mã hồ sơ (trên giấy hẹn, không bắt buộc)',
    comment: 'Góp ý (không bắt buộc, tối đa 1.000 ký tự; xin đừng ghi số điện thoại hay số căn cước)',
    submit: 'Gửi đánh giá',
    sending: 'Đang gửi…',
    offline: 'Chưa có mạng. Câu trả lời đã được lưu trên máy và sẽ tự gửi khi có mạng lại.',
    switchLang: 'English',
    thanksTitle: 'Cảm ơn ông/bà!',
    thanksBody:
      'Đánh giá đã được ghi nhận. Mỗi đêm, các đánh giá được tổng hợp thành chỉ số hài lòng của đơn vị; kết quả được công khai.',
    seeResults: 'Xem kết quả của đơn vị',
    errorTitle: 'Không mở được trang đánh giá',
    invalidCode: 'Mã QR này không hợp lệ. Xin quét lại mã trên tấm áp phích tại quầy.',
    retiredCode: 'Mã QR này đã được thay bằng mã mới. Xin quét mã trên tấm áp phích mới tại quầy.',
    unknownCode: 'Không tìm thấy đơn vị của mã QR này.',
    genericError: 'Đã có lỗi. Xin thử lại sau ít phút.',
    rateLimited: 'Có quá nhiều đánh giá từ thiết bị này trong thời gian ngắn. Xin thử lại sau ít phút.',
    alreadyRated: 'Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.',
    fixAnswers: 'Xin kiểm tra lại các câu trả lời.',
    posterInstruction: 'Quét mã để đánh giá sự hài lòng của ông/bà',
    posterFallback: 'Hoặc mở địa chỉ:',
    errorSummary: 'Xin sửa các mục sau rồi gửi lại:',
    errAnswer: 'Xin chọn một trong các mức ở câu này.',
    errNoAnswers: 'Xin trả lời ít nhất một câu hỏi (chọn một mức hài lòng).',
    errDossier: 'Mã hồ sơ gồm 3 đến 64 chữ cái, chữ số hoặc các dấu . _ / - (để trống nếu không có).',
    errComment: 'Góp ý dài tối đa 1.000 ký tự.',
    errForm: 'Biểu mẫu có mục không hợp lệ; xin mở lại trang bằng cách quét mã QR.',
    retryAfter: 'Xin thử lại sau {s} giây.',
    nextSteps:
      'Ông/bà có thể đóng trang này. Nếu có góp ý, đơn vị sẽ xem xét; đánh giá không ghi tên hay số điện thoại của ông/bà.',
    posterBatchTitle: 'Áp phích mã QR',
  },
  en: {
    surveyTitle: 'Rate our service',
    intro: 'Please tell us how satisfied you are with the service you received. It takes about a minute.',
    notApplicable: 'Not applicable',
    dossier: 'Dossier code (on your receipt, optional)',
    comment: 'Comment (optional, up to 1,000 characters; please do not include phone or ID numbers)',
    submit: 'Send rating',
    sending: 'Sending…',
    offline: 'No connection. Your answers are saved on this phone and will be sent when you are back online.',
    switchLang: 'Tiếng Việt',
    thanksTitle: 'Thank you!',
    thanksBody:
      'Your rating has been recorded. Every night the ratings become this office’s satisfaction index, and the results are public.',
    seeResults: 'See this office’s results',
    errorTitle: 'The rating page could not be opened',
    invalidCode: 'This QR code is not valid. Please scan the code on the poster at the counter again.',
    retiredCode: 'This QR code has been replaced. Please scan the code on the new poster at the counter.',
    unknownCode: 'The office of this QR code was not found.',
    genericError: 'Something went wrong. Please try again in a few minutes.',
    rateLimited: 'Too many ratings from this device in a short time. Please try again in a few minutes.',
    alreadyRated: 'This dossier has already been rated. Each dossier can be rated once.',
    fixAnswers: 'Please check your answers.',
    posterInstruction: 'Scan the code to rate our service',
    posterFallback: 'Or open:',
    errorSummary: 'Please fix the following and send again:',
    errAnswer: 'Please choose one of the levels for this question.',
    errNoAnswers: 'Please answer at least one question (choose a level of satisfaction).',
    errDossier: 'A dossier code is 3 to 64 letters, digits or . _ / - (leave it empty if you have none).',
    errComment: 'A comment is at most 1,000 characters.',
    errForm: 'The form has an invalid field; please open the page again by scanning the QR code.',
    retryAfter: 'Please try again in {s} seconds.',
    nextSteps:
      'You can close this page. Comments are read by the office; your rating carries no name or phone number.',
    posterBatchTitle: 'QR posters',
  },
} as const;
